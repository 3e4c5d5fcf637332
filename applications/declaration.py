"""The declaration (承诺书) the submitter confirms; frozen into every submission as it read then."""

DECLARATION = (
    "本单位郑重承诺：\n"
    "一、本次申报所填报的信息及提交的全部材料真实、准确、完整，复印件与原件一致，不存在弄虚作假、虚报冒领行为；\n"
    "二、同一事项未以其他名义重复申报，政策条文规定不可同时享受的支持，本单位不重复享受；\n"
    "三、自愿接受主管部门的审核、监督检查和绩效评价，配合提供所需资料；\n"
    "四、如有不实，本单位愿承担相应法律责任，并按规定退回已获得的资金。"
)
